/** Why a pin failed. */
export type PinFailure =
  /** `maxPinned` is 0 or less for this configuration: no VM may ever be pinned. */
  | "no-pins-allowed"
  /** `maxPinned` VMs are pinned already (the kernel returns 0). */
  | "limit-reached";

/**
 * What `pin(vm)` did: the VM is pinned (its pin count, and the id it holds, whose idx keeps
 * its value until the last unpin), or the pin failed and nothing changed.
 */
export type PinResult<Id extends number | bigint> =
  | {
      readonly pinned: true;
      /**
       * The VM's id. A VM pinned already keeps the id it holds, which may be of an older
       * generation (its idx is the pinned one); otherwise the id is of the current generation.
       */
      readonly id: Id;
      /** The VM's pin count after this pin, 1 or more. */
      readonly pinCount: number;
    }
  | {
      readonly pinned: false;
      readonly reason: PinFailure;
      /** The configuration's limit (`maxPinned`), which may be 0 or negative. */
      readonly maxPinned: number;
    };
