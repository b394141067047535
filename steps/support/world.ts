import { setWorldConstructor, World } from '@cucumber/cucumber';
import type { Geometry } from '../../src/arch/geometry';
import { type Layout, layout } from '../../src/arch/layout';

/** State shared by the steps of one scenario. */
export class SpecWorld extends World {
  geo?: Geometry;
  kasan = false;
  /** The last error a step caught, for "Then it is refused …" steps. */
  error?: unknown;

  /** The configuration the scenario set; a step that needs one fails clearly without it. */
  get config(): Geometry {
    if (!this.geo) throw new Error('the scenario has not chosen a configuration (Given the configuration …)');
    return this.geo;
  }

  get layout(): Layout {
    return layout(this.config, { kasan: this.kasan });
  }
}

setWorldConstructor(SpecWorld);
