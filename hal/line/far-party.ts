/** Whoever is at the other end of a simulated call: a built-in modem, an external program, another daemon. */
export interface FarParty {
  /** One frame: `heard` is what the party receives, `said` gets what it sends. False once the party has hung up. */
  frame(heard: Int16Array, said: Int16Array): Promise<boolean>;
  hangup(): void;
}
