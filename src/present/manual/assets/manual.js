// The manual's search box: MiniSearch and the index are loaded on first use, then each keystroke
// lists the features, Rules and scenarios that match, best first.
(() => {
  const input = document.getElementById('search');
  const results = document.getElementById('search-results');
  if (!input || !results) return;
  let search;
  let loading;

  const load = (src) =>
    new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.appendChild(script);
    });

  const ready = () => {
    loading ??= load(input.dataset.engine)
      .then(() => load(input.dataset.src))
      .then(() => {
        const { options, index } = window.MANUAL_SEARCH;
        search = window.MiniSearch.loadJSON(index, options);
      });
    return loading;
  };

  const item = (hit) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = hit.id;
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = `${hit.kind}: `;
    const where = document.createElement('span');
    where.className = 'where';
    where.textContent = ` — ${hit.chapter}`;
    a.append(kind, hit.title, where);
    li.append(a);
    return li;
  };

  const show = () => {
    const query = input.value.trim();
    const hits = query && search ? search.search(query).slice(0, 20) : [];
    results.replaceChildren(...hits.map(item));
    results.hidden = hits.length === 0;
  };

  input.addEventListener('focus', ready, { once: true });
  input.addEventListener('input', () => ready().then(show));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      input.value = '';
      show();
    }
  });
})();
