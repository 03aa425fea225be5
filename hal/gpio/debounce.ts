/**
 * Debouncing in software: a new level is reported once it has held for `ms` (a bouncing DTR contact, a ring
 * detector's chopped output). With ms = 0 every change is reported at once. Only changes are reported.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | null = null;
  private latest: boolean;

  constructor(
    private reported: boolean,
    private readonly ms: number,
    private readonly emit: (value: boolean) => void,
  ) {
    this.latest = reported;
  }

  get value(): boolean {
    return this.reported;
  }

  input(value: boolean): void {
    this.latest = value;
    if (this.ms <= 0) return this.settle();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.settle();
    }, this.ms);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private settle(): void {
    if (this.latest === this.reported) return;
    this.reported = this.latest;
    this.emit(this.latest);
  }
}
