/** The front panel of a 1990 external modem, in its usual order. */
export const LED_NAMES = ['HS', 'AA', 'CD', 'OH', 'RD', 'SD', 'TR', 'MR'] as const;
export type LedName = (typeof LED_NAMES)[number];
export type LedState = Record<LedName, boolean>;

export function allOff(): LedState {
  return { HS: false, AA: false, CD: false, OH: false, RD: false, SD: false, TR: false, MR: false };
}

export interface LedPanel {
  show(state: Readonly<LedState>): void;
  /** The call state changed (command, dialing, handshake, online …): a panel that cannot redraw in place shows it then. */
  callState?(state: string): void;
  close(): void;
}
