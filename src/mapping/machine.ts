/**
 * The automaton that file patterns compile to (pattern.ts), and the one way it runs: a Pike
 * VM, i.e. Thompson's simulation of all paths at once, with capture slots per path.
 *
 * Why it is linear: the name is read once, one character (code point) at a time. At each
 * position the VM holds at most one thread per instruction (a second thread reaching the same
 * instruction at the same position has the same future, so it is dropped), and following the
 * jumps and splits from one thread visits each instruction at most once per position. So a
 * name of n characters against a program of m instructions takes at most n × m thread steps,
 * plus copying the capture slots (2 per capture) when a thread passes a capture boundary:
 * O(n × m × captures) in all, never more, whatever the name holds. m grows linearly with the
 * pattern, since nothing is expanded (`{a,b}` is one split, not a copy of the pattern per choice).
 * A backtracking matcher, by contrast, retries every placement of every capture: O(n^k).
 *
 * Which match wins when there are several: threads are kept in priority order (a split's
 * first branch before its second), exactly the order a backtracking matcher would try them
 * in, and the first thread to reach `match` at the end of the name wins. So captures are the
 * ones the regular expression gave (lazy `[name]`, greedy `[...name]`), as the property tests
 * in test/pattern-property.test.ts check against the regex-based matcher this replaced.
 */

export type Instruction =
  | { op: 'char'; code: number }
  | { op: 'not-slash' }
  | { op: 'any' }
  /** Both branches, `first` taking priority. */
  | { op: 'split'; first: number; second: number }
  | { op: 'jump'; to: number }
  /** Records the current position in capture slot `slot`. */
  | { op: 'save'; slot: number }
  | { op: 'match' };

// The program as typed arrays, and the run's work space allocated once per pattern: the VM
// runs for every changed file against every rule, so it must not allocate per character.
const CHAR = 0;
const NOT_SLASH = 1;
const ANY = 2;
const SPLIT = 3;
const JUMP = 4;
const SAVE = 5;
const MATCH = 6;
const OPS = { char: CHAR, 'not-slash': NOT_SLASH, any: ANY, split: SPLIT, jump: JUMP, save: SAVE, match: MATCH } as const;
const SLASH = 0x2f;

type Slots = number[] | null;

export class Machine {
  private readonly op: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly seen: Int32Array;
  private readonly stackPc: Int32Array;
  private readonly stackSlots: Slots[];
  private current: { pc: Int32Array; slots: Slots[]; length: number };
  private next: { pc: Int32Array; slots: Slots[]; length: number };
  private step = 0;

  constructor(program: Instruction[]) {
    const m = program.length;
    this.op = new Uint8Array(m);
    this.a = new Int32Array(m);
    this.b = new Int32Array(m);
    program.forEach((instruction, pc) => {
      this.op[pc] = OPS[instruction.op];
      if (instruction.op === 'char') this.a[pc] = instruction.code;
      else if (instruction.op === 'split') {
        this.a[pc] = instruction.first;
        this.b[pc] = instruction.second;
      } else if (instruction.op === 'jump') this.a[pc] = instruction.to;
      else if (instruction.op === 'save') this.a[pc] = instruction.slot;
    });
    this.seen = new Int32Array(m).fill(-1);
    // Each instruction is pushed at most twice per closure (once per incoming edge kind).
    this.stackPc = new Int32Array(2 * m + 2);
    this.stackSlots = new Array<Slots>(2 * m + 2).fill(null);
    this.current = { pc: new Int32Array(m), slots: new Array<Slots>(m).fill(null), length: 0 };
    this.next = { pc: new Int32Array(m), slots: new Array<Slots>(m).fill(null), length: 0 };
  }

  /**
   * Runs over the whole of `input`. Returns the capture slots of the winning match (UTF-16
   * offsets, -1 for a capture that took no part), or undefined when nothing matches. With
   * `slots` 0 only the verdict is wanted, and an empty array means "matched".
   */
  run(input: string, slots: number): number[] | undefined {
    if (this.step > 0x3fffffff) {
      this.seen.fill(-1);
      this.step = 0;
    }
    this.current.length = 0;
    this.follow(this.current, 0, slots > 0 ? new Array<number>(slots).fill(-1) : null, 0, ++this.step);
    for (let position = 0; ; ) {
      const code = position < input.length ? (input.codePointAt(position) as number) : -1;
      const width = code > 0xffff ? 2 : 1;
      const list = this.current;
      // One step number for the whole of the next list: an instruction enters it once.
      const step = ++this.step;
      this.next.length = 0;
      for (let t = 0; t < list.length; t++) {
        const pc = list.pc[t] as number;
        const op = this.op[pc];
        if (op === MATCH) {
          // A match counts only at the end of the name; the first to get there has priority.
          if (code === -1) return list.slots[t] ?? [];
          continue;
        }
        if (code === -1) continue;
        if (op === ANY || (op === NOT_SLASH ? code !== SLASH : this.a[pc] === code)) {
          this.follow(this.next, pc + 1, list.slots[t] as Slots, position + width, step);
        }
      }
      if (code === -1 || this.next.length === 0) return undefined;
      this.current = this.next;
      this.next = list;
      position += width;
    }
  }

  /** Adds the thread at `start` and everything it reaches without reading, in priority order. */
  private follow(list: { pc: Int32Array; slots: Slots[]; length: number }, start: number, startSlots: Slots, position: number, step: number): void {
    let top = 0;
    this.stackPc[top] = start;
    this.stackSlots[top++] = startSlots;
    while (top > 0) {
      const pc = this.stackPc[--top] as number;
      const slots = this.stackSlots[top] as Slots;
      if (this.seen[pc] === step) continue;
      this.seen[pc] = step;
      switch (this.op[pc]) {
        case JUMP:
          this.stackPc[top] = this.a[pc] as number;
          this.stackSlots[top++] = slots;
          break;
        case SPLIT:
          // Popped last-in first-out: the second branch goes on the stack first.
          this.stackPc[top] = this.b[pc] as number;
          this.stackSlots[top++] = slots;
          this.stackPc[top] = this.a[pc] as number;
          this.stackSlots[top++] = slots;
          break;
        case SAVE: {
          let copy = slots;
          if (copy !== null) {
            copy = copy.slice();
            copy[this.a[pc] as number] = position;
          }
          this.stackPc[top] = pc + 1;
          this.stackSlots[top++] = copy;
          break;
        }
        default:
          list.pc[list.length] = pc;
          list.slots[list.length++] = slots;
      }
    }
  }
}
