/** Proxmox VE API simulator: public surface. */
export { startSimulator, type Simulator, type SimulatorOptions } from "./simulator";
export { DEFAULT_TOKEN, DEFAULT_USER, type SimToken, type SimUser } from "./auth";
export type { SimFault, SimFaultEntry, SimFaults } from "./faults";
export type { SimGuest, PveVersion } from "./model";
