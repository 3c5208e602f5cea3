import { z } from "zod";

export const healthMachineConfigSchema = z.object({
  /** N: consecutive observations worse than the current state before going down. */
  failuresToGoDown: z.number().int().min(1).max(100).default(3),
  /** M: consecutive better observations before coming back up. */
  successesToRecover: z.number().int().min(1).max(100).default(2),
  /** |camera clock − server clock| beyond this is clock drift (plate timestamps go wrong). */
  clockSkewLimitSeconds: z.number().positive().default(30),
});
export type HealthMachineConfig = z.input<typeof healthMachineConfigSchema>;
export type ResolvedHealthMachineConfig = z.output<typeof healthMachineConfigSchema>;
