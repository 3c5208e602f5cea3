import { defineMessages } from "../../i18n/view-messages.js";

// The command map's own strings; shared words (layers, roles, errors) stay in src/i18n.
export const commandMessages = defineMessages("command", {
  en: {
    "command.incidents": "Incidents",
  },
  "zh-CN": {
    "command.incidents": "事件",
  },
});
