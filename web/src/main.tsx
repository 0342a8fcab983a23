import "./styles.css";
import { render } from "preact";
import { Model } from "./model";
import { App } from "./ui/App";

const model = new Model();
render(<App model={model} />, document.getElementById("app")!);
void model.start();
if ("serviceWorker" in navigator) {
  // Optional: without it the page works the same, only not when reloaded without a network.
  navigator.serviceWorker.register("sw.js").catch(() => undefined);
}
