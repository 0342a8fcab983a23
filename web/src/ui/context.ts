import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Model } from "../model";

/** The model; App re-renders the whole tree whenever it notifies, so components just read it. */
export const ModelContext = createContext<Model | undefined>(undefined);

export function useModel(): Model {
  return useContext(ModelContext)!;
}
