export {
  loadNeuralOperatorState,
  saveNeuralOperatorState,
  toNeuralOperatorState,
} from "./neuraloperator.js";
