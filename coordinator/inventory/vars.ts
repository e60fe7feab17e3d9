// The variable reader lives in the model layer (coordinator/model/vars.ts); this path stays for the
// modules that import it from here.
export * from '../model/vars';
