/** What every section may read besides its own variables. */
export interface BaseSettings {
  env: 'development' | 'production' | 'test';
  /** DATA_DIR as given (relative to the working directory, or absolute). */
  dataDir: string;
  /** PORT, for defaults that name this server's own address. */
  port: number;
}

/**
 * One group of settings: a class listing its environment variables (class-validator rules, defaults as
 * initialisers), and how the validated variables become typed settings.
 */
export interface ConfigSection<Variables extends object, Settings> {
  variables: new () => Variables;
  build(variables: Variables, base: BaseSettings): Settings;
}

export const defineSection = <Variables extends object, Settings>(
  section: ConfigSection<Variables, Settings>,
) => section;
