// Sizes arrive in bytes (facts.md) and thresholds are written in MiB or GiB (cluster_require).
// The conversion happens here, once, with the unit in the type, so a kB-against-MB comparison like
// KubeKey's os.memory check cannot be written by accident.
declare const unit: unique symbol;
type Quantity<U extends string> = number & { readonly [unit]: U };

export type Bytes = Quantity<'B'>;
export type MiB = Quantity<'MiB'>;
export type GiB = Quantity<'GiB'>;

export const bytes = (n: number): Bytes => n as Bytes;
export const mib = (n: number): MiB => n as MiB;
export const gib = (n: number): GiB => n as GiB;

/** Whole MiB, rounded down (as kubeadm does for its memory check). */
export const toMiB = (b: Bytes): MiB => Math.floor(b / 2 ** 20) as MiB;
/** GiB with one decimal, rounded down so a check never passes on rounding. */
export const toGiB = (b: Bytes): GiB => (Math.floor((b / 2 ** 30) * 10) / 10) as GiB;
