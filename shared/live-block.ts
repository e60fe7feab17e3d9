// A terminal's live progress: permanent lines scroll up above a block of lines that is redrawn in
// place (the run's hosts, a download's bars). One implementation for every live view.

export interface TerminalOut {
  write(text: string): unknown;
  columns?: number;
}

export class LiveBlock {
  private drawn = 0;

  constructor(
    private readonly out: TerminalOut,
    private readonly defaultColumns = 120,
  ) {}

  /** Erases the block and writes `permanent` lines, then the block's `lines` cut to the terminal's width. */
  render(permanent: readonly string[], lines: readonly string[]): void {
    const cols = Math.max(40, this.out.columns ?? this.defaultColumns);
    let s = this.erase();
    for (const p of permanent) s += p.endsWith('\n') ? p : `${p}\n`;
    for (const l of lines) s += `${l.slice(0, cols - 1)}\n`;
    this.drawn = lines.length;
    if (s) this.out.write(s);
  }

  /** Erases the block (the permanent lines stay). */
  clear(): void {
    const s = this.erase();
    if (s) this.out.write(s);
  }

  private erase(): string {
    const s = this.drawn > 0 ? `\x1b[${this.drawn}A\r\x1b[J` : '';
    this.drawn = 0;
    return s;
  }
}
