/**
 * The V.42bis dictionary (V.42bis §6): a tree of strings, one node per codeword. Codewords 0–2 are the control
 * codewords (N6 = 3), 3–258 the single characters (N4 = 256), and from N5 = 259 up to N2 − 1 (N2 = P1) the strings
 * learned. C1 is the next EMPTY entry at all times: after each addition the next leaf is found at once, cycling from
 * N5, and if it holds a string it is deleted from the tree then (§6.5), so a string about to be recycled can no
 * longer be matched nor named by a codeword. Encoder and decoder keep identical dictionaries by applying the same
 * updates in the same order.
 */

export const CW_ETM = 0;
export const CW_FLUSH = 1;
export const CW_STEPUP = 2;
export const N6 = 3;
export const N5 = 259;

export class V42bisDictionary {
  readonly size: number; // N2 = P1
  readonly maxString: number; // N7 = P2
  readonly parent: Int16Array;
  readonly char: Uint8Array;
  readonly firstChild: Int16Array;
  readonly sibling: Int16Array;
  readonly depth: Uint8Array;
  /** C1: the entry the next string goes into; always empty. */
  c1 = N5;

  constructor(p1: number, p2: number) {
    this.size = p1;
    this.maxString = p2;
    this.parent = new Int16Array(p1);
    this.char = new Uint8Array(p1);
    this.firstChild = new Int16Array(p1);
    this.sibling = new Int16Array(p1);
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
    this.c1 = N5;
  }

  /** The child of `node` for character `c`, or −1. */
  child(node: number, c: number): number {
    for (let k = this.firstChild[node]; k >= 0; k = this.sibling[k]) if (this.char[k] === c) return k;
    return -1;
  }

  /**
   * Add the string of `node` followed by `c` at C1 (§6.4; the caller has checked that it is not there and that
   * `node` is shorter than N7), then recover the next empty entry (§6.5). Returns the new codeword.
   */
  add(node: number, c: number): number {
    const slot = this.c1;
    this.parent[slot] = node;
    this.char[slot] = c;
    this.depth[slot] = this.depth[node] + 1;
    this.firstChild[slot] = -1;
    this.sibling[slot] = this.firstChild[node];
    this.firstChild[node] = slot;
    this.c1 = this.nextEmpty(slot);
    return slot;
  }

  /**
   * §6.5: step C1 on (from N2 − 1 back to N5) to the next entry that is not the prefix of another string (a leaf);
   * if it holds a string, delete it. A leaf always exists besides `from`: a chain of learned strings is at most
   * N7 − 1 ≤ 249 long, and there are at least 253 learned entries.
   */
  private nextEmpty(from: number): number {
    let s = from;
    for (let n = 0; n < this.size; n++) {
      s = s + 1 === this.size ? N5 : s + 1;
      if (this.firstChild[s] >= 0) continue;
      if (this.parent[s] >= 0) this.detach(s);
      return s;
    }
    return from; // unreachable (see above)
  }

  private detach(s: number): void {
    const p = this.parent[s];
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

  /** Whether `cw` names a string now (a character, or a learned string in the tree). */
  valid(cw: number): boolean {
    return cw >= N6 && cw < this.size && (cw < N5 || this.parent[cw] >= 0);
  }
}

/**
 * The string matching and dictionary updating both ends run on the characters (§6.3, §6.4). The encoder runs it in
 * both modes; the decoder runs it in transparent mode, and in compressed mode drives `learn` from the codewords.
 *
 * - A string grows while the dictionary has it, but never into the entry created by the last invocation (§6.3 b:
 *   the decoder could not know it yet, the "KwKwK" case); hitting that entry ends the string and learns nothing.
 * - A string that does not grow is sent; it plus the character that failed is learned (§6.4), unless the string
 *   is N7 long — a string reaching N7 characters is sent at once and learns nothing.
 * - Where a string ends without a failing character (FLUSH, a change of mode), it is learned with the next
 *   character (`updateAt`), as the decoder learns "previous string + first character of this one".
 */
export class V42bisMatcher {
  /** The current string's codeword, −1 when none. */
  node = -1;
  /** A string ended by FLUSH or a mode change, to be learned with the next character; −1 when none. */
  updateAt = -1;
  /** The entry created last, which the next string may not use (§6.3 b); −1 once used up. */
  lastAdded = -1;

  constructor(readonly dict: V42bisDictionary) {}

  /** Learn the string `at` + `c` if the dictionary does not have it (§6.4) and `at` is shorter than N7. */
  learn(at: number, c: number): void {
    const d = this.dict;
    if (d.depth[at] < d.maxString && d.child(at, c) < 0) this.lastAdded = d.add(at, c);
  }

  /** Feed a character; returns the codeword of the string it completed, or −1. */
  feed(c: number): number {
    const d = this.dict;
    if (this.updateAt >= 0) {
      this.learn(this.updateAt, c);
      this.updateAt = -1;
    }
    if (this.node < 0) {
      this.node = c + N6;
      return -1;
    }
    const k = d.child(this.node, c);
    const done = this.node;
    if (k < 0) {
      this.lastAdded = d.add(done, c); // depth < N7 here: strings of N7 are sent as soon as they are complete
      this.node = c + N6;
      return done;
    }
    if (k === this.lastAdded) {
      this.lastAdded = -1;
      this.node = c + N6;
      return done;
    }
    this.node = k;
    if (d.depth[k] < d.maxString) return -1;
    this.node = -1;
    return k;
  }

  /** End the current string without a failing character (FLUSH, mode change): its codeword, or −1. */
  end(): number {
    const n = this.node;
    this.node = -1;
    if (n >= 0) this.updateAt = n;
    return n;
  }

  reset(): void {
    this.node = this.updateAt = this.lastAdded = -1;
  }
}
