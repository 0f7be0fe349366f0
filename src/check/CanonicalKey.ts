import { canonicalState } from "./canonicalState.js";
import type { ModelLayout } from "./ModelLayout.js";
import { GenerationRenamer, maxRenamedGeneration } from "./renameGenerations.js";
import { StatePacker } from "./StatePacker.js";

/**
 * The key under which the checker stores a state: its canonical form, packed. Without a
 * generation bound, generations are renamed first (renameGenerations); with one, they are
 * kept (the bound counts real rollovers). Then VMs are relabelled (canonicalState). Reuses
 * its buffers from call to call.
 */
export class CanonicalKey {
  readonly packer: StatePacker;
  /** The most distinct generations (the current one included) seen in one state so far. */
  maxGenerations = 1;
  private readonly layout: ModelLayout;
  private readonly renaming: boolean;
  private readonly packed: Uint32Array;
  private readonly renamer: GenerationRenamer;
  private readonly relabelled: Int32Array;

  /** `generations`: the bound, or undefined for none (rename). */
  constructor(layout: ModelLayout, generations: number | undefined) {
    this.layout = layout;
    this.renaming = generations === undefined;
    this.packer = new StatePacker(layout, generations ?? maxRenamedGeneration(layout));
    this.packed = new Uint32Array(this.packer.words);
    this.renamer = new GenerationRenamer(layout);
    this.relabelled = new Int32Array(layout.length);
  }

  /** The packed key of `state` (left as it is), valid until the next call. */
  of(state: Int32Array): Uint32Array {
    const renamed = this.renamer.rename(state);
    if (this.renamer.generations > this.maxGenerations)
      this.maxGenerations = this.renamer.generations;
    const named = this.renaming ? renamed : state;
    this.packer.pack(canonicalState(this.layout, named, this.relabelled), this.packed);
    return this.packed;
  }
}
