export interface TestPgInfo {
  host: string;
  port: number;
  user: string;
  /** Temporary folder of this run; tests may create scratch folders inside it. */
  root: string;
}

export const TEMPLATE_EMPTY = "gridops_template_empty";
export const TEMPLATE_DEMO = "gridops_template_demo";
export const DEMO_PASSWORD = "gridops-demo";
