// The byte budget and the line splitter are the core's (src/reply/irc-lines.ts): rooms bridged to
// IRC from Matrix measure their lines the same way.
export { fitLine, stripFormatting, textBytes } from "../../src/reply/irc-lines.js";
