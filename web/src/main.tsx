import { render } from "preact";

render(<main>Checkmark</main>, document.getElementById("app")!);
