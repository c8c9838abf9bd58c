import {
  countdownMuteCommand,
  countdownOffCommand,
  countdownOnCommand,
  countdownPreviewCommand,
  countdownStatusCommand,
  countdownUnmuteCommand,
} from "./countdown.js";
import { yesCommand } from "./confirm.js";
import { exceptionDenyCommand, exceptionGrantCommand, exceptionRequestCommand, exceptionsCommand } from "./exceptions.js";
import { exportCommand } from "./export.js";
import { addCommand, aliasCommand, linkCommand, moveCommand, noteCommand, ownerCommand, removeCommand, renameCommand, showCommand, statusCommand } from "./features.js";
import { helpCommand } from "./help.js";
import { importCommand } from "./import.js";
import { mailPreviewCommand, mailSendCommand } from "./mail.js";
import { historyCommand, undoCommand } from "./history.js";
import { checkRegistry } from "./registry.js";
import {
  freezeCommand,
  milestoneRemoveCommand,
  milestoneSetCommand,
  projectListCommand,
  projectNewCommand,
  projectUseCommand,
  releaseListCommand,
  releaseCloseCommand,
  releaseNewCommand,
  releaseUseCommand,
  scheduleCommand,
} from "./releases.js";
import { deferCommand } from "./rollover.js";
import { roomIrcCommand, roomMsgtypeCommand, roomShowCommand } from "./room.js";
import type { CommandSpec } from "./spec.js";
import { mineCommand } from "./mine.js";
import { nagMeCommand, nagOffCommand, nagOnCommand, nagStatusCommand } from "./nag.js";
import { interveneCommand, needCommand } from "./questions.js";
import { staleCommand } from "./stale.js";
import { stockCommand } from "./stock.js";

/** Every command, in the order help lists them. An explicit list: greppable and type-checked. */
export const CORE_COMMANDS: readonly CommandSpec[] = [
  stockCommand,
  statusCommand,
  addCommand,
  removeCommand,
  yesCommand,
  renameCommand,
  ownerCommand,
  noteCommand,
  aliasCommand,
  linkCommand,
  moveCommand,
  deferCommand,
  needCommand,
  interveneCommand,
  showCommand,
  staleCommand,
  mineCommand,
  historyCommand,
  undoCommand,
  scheduleCommand,
  freezeCommand,
  exceptionRequestCommand,
  exceptionGrantCommand,
  exceptionDenyCommand,
  exceptionsCommand,
  countdownStatusCommand,
  countdownOnCommand,
  countdownOffCommand,
  countdownPreviewCommand,
  countdownMuteCommand,
  countdownUnmuteCommand,
  nagStatusCommand,
  nagOnCommand,
  nagOffCommand,
  nagMeCommand,
  milestoneSetCommand,
  milestoneRemoveCommand,
  releaseNewCommand,
  releaseUseCommand,
  releaseListCommand,
  releaseCloseCommand,
  projectNewCommand,
  projectUseCommand,
  projectListCommand,
  roomShowCommand,
  roomMsgtypeCommand,
  roomIrcCommand,
  exportCommand,
  importCommand,
  mailPreviewCommand,
  mailSendCommand,
  helpCommand,
];

checkRegistry(CORE_COMMANDS);
