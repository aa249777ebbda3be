// What the bench does to its pages: a message from Countersign's panel to the broker, and the
// agent's click on the role-button page's "invite" button, timed in the page.

/** A message to the broker, sent as the panel's own code sends it. */
export const send = (panel, message) => panel.evaluate((m) => chrome.runtime.sendMessage(m), message);

/** Labels the button `label` (so its card can be told apart), clicks it, and returns `Date.now()` just before the click. */
export const clickInvite = (agent, label) =>
  agent.evaluate((text) => {
    const button = document.getElementById('invite');
    button.textContent = text;
    const at = Date.now();
    button.click();
    return at;
  }, label);
