import "./styles.css";
import { render } from "preact";
import { Model } from "./model";
import { App } from "./ui/App";

const model = new Model();
render(<App model={model} />, document.getElementById("app")!);
void model.start();
