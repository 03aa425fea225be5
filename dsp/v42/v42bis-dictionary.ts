/**
 * The V.42bis dictionary (V.42bis §6): a tree of strings, one node per codeword. Codewords 0–2 are the control
 * codewords (N6 = 3), 3–258 the single characters (N4 = 256), and from N5 = 259 up to P1 − 1 the strings learned.
 * When every codeword is in use, the next leaf after the last one created is taken back (§6.5 "recovery").
 * Encoder and decoder keep identical dictionaries by applying the same updates in the same order.
 */

export const CW_ETM = 0;
export const CW_FLUSH = 1;
export const CW_STEPUP = 2;
export const N6 = 3;
export const N5 = 259;

export class V42bisDictionary {
  readonly size: number; // P1 (N2)
  readonly maxString: number; // P2 (N7)
  readonly parent: Int16Array;
  readonly char: Uint8Array;
  readonly firstChild: Int16Array;
  readonly sibling: Int16Array;
  readonly depth: Uint8Array;
  private next = N5; // C1: where the next string goes
  private full = false;
  /** The codeword created last: the encoder may not match it (§7.? : so the decoder never needs it early). */
  lastCreated = -1;

  constructor(p1: number, p2: number) {
    this.size = p1;
    this.maxString = p2;
    this.parent = new Int16Array(p1).fill(-1);
    this.char = new Uint8Array(p1);
    this.firstChild = new Int16Array(p1).fill(-1);
    this.sibling = new Int16Array(p1).fill(-1);
    this.depth = new Uint8Array(p1);
    this.reset();
  }

  reset(): void {
    this.parent.fill(-1);
    this.firstChild.fill(-1);
    this.sibling.fill(-1);
    this.depth.fill(0);
    for (let c = 0; c < 256; c++) {
      this.char[c + N6] = c;
      this.depth[c + N6] = 1;
    }
    this.next = N5;
    this.full = false;
    this.lastCreated = -1;
  }

  /** The child of `node` for character `c`, or −1. */
  child(node: number, c: number): number {
    for (let k = this.firstChild[node]; k >= 0; k = this.sibling[k]) if (this.char[k] === c) return k;
    return -1;
  }

  /**
   * Add the string of `node` followed by `c`, unless it is there already or would be longer than P2 (§6.4).
   * Returns the new codeword or −1.
   */
  add(node: number, c: number): number {
    if (this.depth[node] >= this.maxString || this.child(node, c) >= 0) return -1;
    const slot = this.takeSlot(node);
    if (slot < 0) return -1;
    this.parent[slot] = node;
    this.char[slot] = c;
    this.depth[slot] = this.depth[node] + 1;
    this.firstChild[slot] = -1;
    this.sibling[slot] = this.firstChild[node];
    this.firstChild[node] = slot;
    this.lastCreated = slot;
    return slot;
  }

  /** The next codeword free, or, once all are used, the next leaf (not `keep`) detached from its parent. */
  private takeSlot(keep: number): number {
    if (!this.full) {
      const s = this.next++;
      if (this.next === this.size) {
        this.full = true;
        this.next = N5;
      }
      return s;
    }
    for (let n = 0; n < this.size - N5; n++) {
      const s = this.next;
      this.next = this.next + 1 === this.size ? N5 : this.next + 1;
      if (this.firstChild[s] < 0 && s !== keep) {
        this.detach(s);
        return s;
      }
    }
    return -1;
  }

  private detach(s: number): void {
    const p = this.parent[s];
    if (p < 0) return;
    if (this.firstChild[p] === s) this.firstChild[p] = this.sibling[s];
    else for (let k = this.firstChild[p]; k >= 0; k = this.sibling[k]) if (this.sibling[k] === s) this.sibling[k] = this.sibling[s];
    this.parent[s] = -1;
    this.sibling[s] = -1;
  }

  /** Write the string of `node` into `out` at `at` (root first); returns its length. */
  spell(node: number, out: Uint8Array, at: number): number {
    const n = this.depth[node];
    let k = node;
    for (let i = n - 1; i >= 0; i--) {
      out[at + i] = this.char[k];
      k = this.parent[k];
    }
    return n;
  }

  /** Whether `cw` names a string now (a character or a learned string in use). */
  valid(cw: number): boolean {
    return cw >= N6 && cw < this.size && (cw < N5 || this.parent[cw] >= 0);
  }

  /** The first character of the string of `node`. */
  first(node: number): number {
    let k = node;
    while (this.parent[k] >= 0) k = this.parent[k];
    return this.char[k];
  }
}

/**
 * The string matcher both ends run on the characters (§7.2): extend the current string while the dictionary has
 * it (never with the entry created last, nor beyond P2); when it cannot, the string's codeword is out and the string
 * plus the character is learned. The decoder runs it too in transparent mode to keep its dictionary in step.
 */
export class V42bisMatcher {
  /** The current string's codeword, −1 when none. */
  node = -1;

  constructor(readonly dict: V42bisDictionary) {}

  /** Feed a character; returns the codeword completed by it, or −1. */
  feed(c: number): number {
    const d = this.dict;
    if (this.node < 0) {
      this.node = c + N6;
      return -1;
    }
    const k = d.depth[this.node] < d.maxString ? d.child(this.node, c) : -1;
    if (k >= 0 && k !== d.lastCreated) {
      this.node = k;
      return -1;
    }
    const done = this.node;
    d.add(done, c);
    this.node = c + N6;
    return done;
  }

  /** End the current string without learning anything (FLUSH, ETM): its codeword, or −1. */
  end(): number {
    const n = this.node;
    this.node = -1;
    return n;
  }
}
