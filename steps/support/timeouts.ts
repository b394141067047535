import { setDefaultTimeout } from '@cucumber/cucumber';

// No step or hook may depend on wall-clock speed: cucumber's 5 s default limit is off (-1), so a
// scenario on a loaded machine takes as long as it takes.
setDefaultTimeout(-1);
