export const ACTIVATION_NAMES = [
  'tanh',
  'relu',
  'leakyrelu',
  'gelu',
  'silu',
  'elu',
  'sigmoid',
  'smht',
  'id',
] as const;

/** Activation names as config.json spells them (the reference lower-cases the encoder's name). */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

export function isActivationName(name: string): name is ActivationName {
  return (ACTIVATION_NAMES as readonly string[]).includes(name);
}
