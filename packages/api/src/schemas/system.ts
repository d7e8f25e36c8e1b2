import { Type, type Static } from '@sinclair/typebox';

export const HealthSchema = Type.Object(
  { status: Type.Literal('ok'), uptime_s: Type.Number(), auth: Type.String() },
  { title: 'Health' },
);
export type Health = Static<typeof HealthSchema>;
