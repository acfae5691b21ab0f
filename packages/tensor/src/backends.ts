/** Choosing where tensors live. */
import type { Backend } from "./backend/backend.js";
import { ENGINE } from "./engine.js";

/** Make `name` the backend new tensors are created on ("cpu" by default). */
export function setBackend(name: string): void {
  ENGINE.setBackend(name);
}

export function getBackend(): string {
  return ENGINE.backend.name;
}

export function listBackends(): string[] {
  return ENGINE.listBackends();
}

/** Register a backend factory (GPU packages use this); it is created on first use. */
export function registerBackend(name: string, factory: () => Backend): void {
  ENGINE.registerBackend(name, factory);
}
