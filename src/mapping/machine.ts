/**
 * The automaton that file patterns compile to (pattern.ts), and how it runs: a Pike VM, i.e.
 * Thompson's simulation of all paths at once, with capture slots per path; the same
 * simulation with its sets of live instructions remembered (a lazy DFA) for the bare verdict;
 * and, for names and patterns short enough, a depth-first search that remembers what it tried
 * (RE2's "bit state") to find the captures without copying them.
 *
 * Why it is linear: the name is read once, one character (code point) at a time. At each
 * position the VM holds at most one thread per instruction (a second thread reaching the same
 * instruction at the same position has the same future, so it is dropped), and following the
 * jumps and splits from one thread visits each instruction at most once per position. So a
 * name of n characters against a program of m instructions takes at most n × m thread steps,
 * plus copying the capture slots (2 per capture) when a thread passes a capture boundary:
 * O(n × m × captures) in all, never more, whatever the name holds. The DFA does the same work
 * at most, less once its states are known; the depth-first search tries each (instruction,
 * position) pair once: O(n × m). m grows linearly with the pattern, since nothing is expanded
 * (`{a,b}` is one split, not a copy of the pattern per choice). A backtracking matcher, by
 * contrast, retries every placement of every capture: O(n^k) for k captures.
 *
 * Which match wins when there are several: threads are kept in priority order (a split's
 * first branch before its second), exactly the order a backtracking matcher would try them
 * in, and the first thread to reach `match` at the end of the name wins; the depth-first
 * search goes in that order too. So captures are the ones the regular expression gave (lazy
 * `[name]`, greedy `[...name]`), as the property tests in test/pattern-property.test.ts check
 * against the regex-based matcher this replaced, for each of the three ways.
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
/** DFA states kept per pattern before the table is forgotten: bounds the memory a name can make it use. */
const MAX_STATES = 1000;
/** (instruction, position) pairs the depth-first search may remember: 32 KiB of bits. */
const MAX_VISITED = 256 * 1024;

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
  /** The lazy DFA for `matches`: instruction sets met so far, by their key, and their moves. */
  private readonly classOf = new Map<number, number>();
  private readonly classCount: number;
  private states: Array<{ pcs: Int32Array; accepts: boolean; moves: Int32Array }> = [];
  private stateIds = new Map<string, number>();
  private visited = new Int32Array(0);

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
    // Characters the program names each get a class, `/` too; every other character is class 0.
    this.classOf.set(SLASH, 1);
    for (const instruction of program) if (instruction.op === 'char' && !this.classOf.has(instruction.code)) this.classOf.set(instruction.code, this.classOf.size + 1);
    this.classCount = this.classOf.size + 1;
  }

  /**
   * Whether the whole of `input` matches, without captures. The same simulation, with each set
   * of live instructions (a DFA state) and its move on each kind of character remembered, so
   * that a name costs one table look-up per character once its states have been met: at most
   * MAX_STATES are kept, then they are forgotten and met again, so the bound stays O(n × m).
   */
  matches(input: string): boolean {
    let state = this.states.length > 0 ? 0 : this.state(this.closure([0]));
    for (let position = 0; position < input.length; ) {
      const code = input.codePointAt(position) as number;
      position += code > 0xffff ? 2 : 1;
      const cls = this.classOf.get(code) ?? 0;
      const known = this.states[state] as { pcs: Int32Array; moves: Int32Array };
      let to = known.moves[cls] as number;
      if (to === -1) {
        const reached: number[] = [];
        for (const pc of known.pcs) {
          const op = this.op[pc];
          if (op === ANY || (op === NOT_SLASH ? code !== SLASH : op === CHAR && this.a[pc] === code)) reached.push(pc + 1);
        }
        if (this.states.length >= MAX_STATES) {
          // Forget the table (start again from this state's set), as RE2 does with its cache.
          const pcs = known.pcs;
          this.states = [];
          this.stateIds = new Map();
          this.state(this.closure([0]));
          const from = this.state(pcs);
          to = this.state(this.closure(reached));
          (this.states[from] as { moves: Int32Array }).moves[cls] = to;
        } else {
          to = this.state(this.closure(reached));
          known.moves[cls] = to;
        }
      }
      state = to;
      if ((this.states[state] as { pcs: Int32Array }).pcs.length === 0) return false;
    }
    return (this.states[state] as { accepts: boolean }).accepts;
  }

  /** The reading instructions (and `match`) reachable from `starts` without reading, sorted. */
  private closure(starts: number[]): Int32Array {
    const step = ++this.step;
    const found: number[] = [];
    const stack = [...starts];
    while (stack.length > 0) {
      const pc = stack.pop() as number;
      if (this.seen[pc] === step) continue;
      this.seen[pc] = step;
      const op = this.op[pc];
      if (op === JUMP) stack.push(this.a[pc] as number);
      else if (op === SPLIT) stack.push(this.a[pc] as number, this.b[pc] as number);
      else if (op === SAVE) stack.push(pc + 1);
      else found.push(pc);
    }
    return Int32Array.from(found.sort((x, y) => x - y));
  }

  private state(pcs: Int32Array): number {
    const key = pcs.join(',');
    let id = this.stateIds.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.states.push({ pcs, accepts: pcs.some((pc) => this.op[pc] === MATCH), moves: new Int32Array(this.classCount).fill(-1) });
      this.stateIds.set(key, id);
    }
    return id;
  }

  /**
   * The capture slots of the winning match, or undefined. A short name is searched depth
   * first, in priority order, remembering each (instruction, position) pair tried: a pair that
   * is met again has already failed (the search stops at the first success), so each is tried
   * once, O(n × m) again, with no copying. A long name against a long pattern would need too
   * big a memory of pairs, and goes to the thread simulation below instead.
   */
  captures(input: string, slots: number): number[] | undefined {
    const m = this.op.length;
    if ((input.length + 1) * m > MAX_VISITED) return this.run(input, slots);
    const words = ((input.length + 1) * m + 31) >>> 5;
    if (this.visited.length < words) this.visited = new Int32Array(words);
    else this.visited.fill(0, 0, words);
    const visited = this.visited;
    const saved = new Array<number>(slots).fill(-1);
    // A frame is an (instruction, position) to try, or (-1 - slot, old value) to put back.
    const stack: number[] = [0, 0];
    while (stack.length > 0) {
      const position = stack.pop() as number;
      let pc = stack.pop() as number;
      if (pc < 0) {
        saved[-1 - pc] = position;
        continue;
      }
      for (;;) {
        const bit = position * m + pc;
        if ((visited[bit >>> 5] as number) & (1 << (bit & 31))) break;
        visited[bit >>> 5] = (visited[bit >>> 5] as number) | (1 << (bit & 31));
        const op = this.op[pc];
        if (op === MATCH) {
          if (position === input.length) return saved;
          break;
        }
        if (op === JUMP) {
          pc = this.a[pc] as number;
          continue;
        }
        if (op === SPLIT) {
          stack.push(this.b[pc] as number, position);
          pc = this.a[pc] as number;
          continue;
        }
        if (op === SAVE) {
          const slot = this.a[pc] as number;
          stack.push(-1 - slot, saved[slot] as number);
          saved[slot] = position;
          pc += 1;
          continue;
        }
        if (position >= input.length) break;
        const code = input.codePointAt(position) as number;
        if (!(op === ANY || (op === NOT_SLASH ? code !== SLASH : this.a[pc] === code))) break;
        // The rest of this path, at the next character; `position` changes, so go round again.
        stack.push(pc + 1, position + (code > 0xffff ? 2 : 1));
        break;
      }
    }
    return undefined;
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
