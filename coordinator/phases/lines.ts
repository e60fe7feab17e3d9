// Splits streamed output chunks into lines for host-prefixed display and the run log. A line
// longer than maxLine is cut into pieces, so output without newlines (a binary dump, a progress
// bar) cannot grow the buffer without bound.
export class LineSplitter {
  private partial = '';

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLine = 4096,
  ) {}

  push(chunk: string): void {
    let text = this.partial + chunk;
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      this.emitLong(text.slice(0, nl).replace(/\r$/, ''));
      text = text.slice(nl + 1);
    }
    while (text.length > this.maxLine) {
      this.emit(text.slice(0, this.maxLine));
      text = text.slice(this.maxLine);
    }
    this.partial = text;
  }

  /** Emits what is left of an unterminated last line. */
  flush(): void {
    if (this.partial !== '') this.emit(this.partial);
    this.partial = '';
  }

  private emitLong(line: string): void {
    for (let i = 0; i < line.length || i === 0; i += this.maxLine) this.emit(line.slice(i, i + this.maxLine));
  }
}
