// Circuits by name: an action kind's ('shell'), or, for `lm` tasks, their model's ('lm:<model>'), so
// that a model that keeps failing stops only the tasks that use it. Pure.

/** The circuit of the model `lm` tasks use here: one per model, so a failing model does not stop another. */
export function circuitOfModel(model: string): string {
  return `lm:${model}`;
}

/** The model a circuit is for, or undefined for an action kind's circuit. */
export function modelOfCircuit(circuit: string): string | undefined {
  return circuit.startsWith('lm:') ? circuit.slice(3) : undefined;
}
