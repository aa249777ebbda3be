// Attaches to every web tab, pauses each document, XHR, fetch and ping request at the request
// stage and lets it go at once: the floor of what holding requests through the debugger costs.
const attached = new Set();
const PATTERNS = ['Document', 'XHR', 'Fetch', 'Ping'].map((resourceType) => ({ urlPattern: '*', resourceType, requestStage: 'Request' }));

chrome.tabs.onUpdated.addListener(async (tabId, change, tab) => {
  if (change.status !== 'complete' || !/^https?:/.test(tab.url ?? '')) return;
  const target = { tabId };
  if (!attached.has(tabId)) {
    attached.add(tabId);
    await chrome.debugger.attach(target, '1.3');
    await chrome.debugger.sendCommand(target, 'Fetch.enable', { patterns: PATTERNS });
  }
  await chrome.debugger.sendCommand(target, 'Runtime.evaluate', { expression: "document.documentElement.dataset.fetchDomain = 'paused'" });
});

chrome.debugger.onEvent.addListener((source, method, params) => {
  if (method !== 'Fetch.requestPaused') return;
  void chrome.debugger.sendCommand(source, 'Fetch.continueRequest', { requestId: params.requestId });
});

chrome.debugger.onDetach.addListener((source) => attached.delete(source.tabId));
