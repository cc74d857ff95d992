/** The reference's ModelChoice. */
export interface ModelChoice {
  id: string;
  name: string;
  provider: string;
}
