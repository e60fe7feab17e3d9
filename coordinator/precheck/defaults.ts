// The precheck's defaults are configuration data and live with the other defaults
// (coordinator/config/precheck-defaults.ts), where the loader reads them without importing the precheck.
export * from '../config/precheck-defaults';
