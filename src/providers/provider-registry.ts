import type { SluiceConfig } from '../config/sluice-schema.js';
import { SluiceError } from '../kernel/errors.js';
import { createProvider, type CreateProviderOptions } from './create-provider.js';
import type { ModelProvider, Usage } from './model-provider.js';
import { callCost, type CallCost } from './pricing.js';

/** The project's providers, created on first use and shared by every caller. */
export class ProviderRegistry {
  private readonly made = new Map<string, ModelProvider>();

  constructor(
    private readonly config: SluiceConfig,
    private readonly opts: CreateProviderOptions,
  ) {}

  get(name: string): ModelProvider {
    let p = this.made.get(name);
    if (!p) {
      const cfg = this.config.providers[name];
      if (!cfg) throw new SluiceError('bad_input', `unknown provider "${name}"`);
      p = createProvider(name, cfg, this.opts);
      this.made.set(name, p);
    }
    return p;
  }

  kind(name: string): string | undefined {
    return this.config.providers[name]?.kind;
  }

  cost(provider: string, model: string, usage: Usage): CallCost {
    return callCost(this.config.providers[provider]?.prices, model, usage);
  }

  async close(): Promise<void> {
    await Promise.all([...this.made.values()].map((p) => p.close().catch(() => {})));
    this.made.clear();
  }
}
