// What the bench does to its pages: a message from Countersign's panel to the broker, the
// agent's click on the role-button page's "invite" button, timed in the page, and the moment a
// panel draws the card it caused.

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

/**
 * `Date.now()` in the panel when it draws the card holding `text` (`card`) and, with
 * `approvable`, when that card's Approve turns enabled (`approvable`); settles with the last one
 * asked for. Start it before the click that causes the card.
 */
export const cardTimes = (panel, text, { approvable = false } = {}) =>
  panel.evaluate(
    ([label, untilApprovable]) =>
      new Promise((done) => {
        const times = {};
        const check = () => {
          const card = [...document.querySelectorAll('article')].find((article) => article.textContent.includes(label));
          if (card && !times.card) times.card = Date.now();
          if (untilApprovable && card?.querySelector('button.approve:not([disabled])')) times.approvable = Date.now();
          return (untilApprovable ? times.approvable : times.card) !== undefined;
        };
        if (check()) return done(times);
        const observer = new MutationObserver(() => {
          if (!check()) return;
          observer.disconnect();
          done(times);
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: untilApprovable });
      }),
    [text, approvable],
  );
