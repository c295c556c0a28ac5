// A value kept where util.inspect, console.log and JSON.stringify cannot reach it: in a closure, which no
// inspection shows (a property, even a private one, is printed). Sessions keep their connect options,
// credentials included, in one, for reconnections only.

export interface Hidden<T> {
  /** The value; throws once forgotten. */
  reveal(): T;
  /** Lets go of the value, so that it lives no longer than what needs it. Idempotent. */
  forget(): void;
}

export function hide<T>(value: T): Hidden<T> {
  let kept: { value: T } | undefined = { value };
  return {
    reveal(): T {
      if (!kept) throw new Error('a hidden value was used after it was forgotten');
      return kept.value;
    },
    forget(): void {
      kept = undefined;
    },
  };
}
