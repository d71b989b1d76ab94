// The values a Python literal can stand for, with Python's types kept apart (JavaScript would
// merge int and float, and has no bytes, complex or Ellipsis).

export type PyConstant =
  | { readonly type: "int"; readonly value: bigint }
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "complex"; readonly real: number; readonly imag: number }
  | { readonly type: "str"; readonly value: string }
  | { readonly type: "bytes"; readonly value: Uint8Array }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "None" }
  | { readonly type: "Ellipsis" };
