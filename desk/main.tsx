import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DeskApp } from '@/components/desk/DeskApp';
import { ActionStore } from '@/lib/db/store';
import { openCountersignDb } from '@/lib/db/open';
import { ReviewDesk } from '@/lib/desk/desk';
import { answerDeskRequest } from '@/lib/desk/requests';
import '@/components/style.css';
import { announceChange, answerRequests, browser } from './browser';

const desk = new ReviewDesk(new ActionStore(await openCountersignDb()), {
  origin: location.origin,
  hostname: location.hostname,
  now: () => Date.now(),
  changed: announceChange,
});
answerRequests((message) => answerDeskRequest(desk, message));
document.documentElement.lang = browser.i18n.getUILanguage();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <DeskApp desk={desk} />
  </StrictMode>,
);
