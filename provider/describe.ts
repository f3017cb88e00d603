/**
 * The vocabulary in which `contract.ts` describes its properties at run time, for languages other
 * than TypeScript (the plugin's package schema). The types tie every description to the
 * TypeScript interface it describes: `Described<T>` needs one entry per property of `T`, whose
 * type matches the property's own, whose default is a value of that type, and which says
 * `required: true` exactly when the property is not optional. Adding a property to an interface
 * without describing it (or describing it as something else) does not compile.
 */

/** How a value of type `V` is described. */
export type TypeDescription<V> = unknown extends V
  ? { type: "any" }
  : [V] extends [boolean]
    ? { type: "boolean" }
    : [V] extends [number]
      ? { type: "integer" | "number" }
      : [V] extends [string]
        ? { type: "string"; allowed?: readonly V[] }
        : [V] extends [readonly (infer E)[]]
          ? { type: "array"; items: TypeDescription<E> }
          : string extends keyof V
            ? { type: "map"; values: TypeDescription<V[string & keyof V]> }
            : [V] extends [object]
              ? { type: "object"; name: string; description: string; properties: Described<V> }
              : never;

/** What an input does to a live resource when it changes. */
export type OnChange =
  /** The resource is replaced. */
  | "replace"
  /** The resource is replaced when the content it names changes (not when only its form does). */
  | "replaceOnContentChange"
  /** The resource is updated in place. */
  | "update";

/** `required: true` exactly when `K` is a required property of `T`. */
type Requiredness<T, K extends keyof T> =
  Record<never, never> extends Pick<T, K> ? { required?: false } : { required: true };

/** One property of `T`: its type, a description for users, and the default when it has one. */
export type PropertyDescription<T, K extends keyof T> = TypeDescription<NonNullable<T[K]>> &
  Requiredness<T, K> & {
    description: string;
    default?: NonNullable<T[K]>;
    /** For inputs only: what a change does. */
    onChange?: OnChange;
  };

/** A description of every property of `T`. */
export type Described<T> = { [K in keyof T]-?: PropertyDescription<T, K> };

/** True when the two unions are the same; used as `const x: Exactly<A, B> = true`. */
export type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The names of the described properties whose `onChange` is `C`. */
export type NamesWithOnChange<D, C extends OnChange> = {
  [K in keyof D]: D[K] extends { onChange: C } ? K : never;
}[keyof D];
