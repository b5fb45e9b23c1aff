export interface Config {
  /** Configuration of the image automation plugin. */
  imageAutomation?: {};
}
