import type { ActionKind } from './types';

// Wording of controls, in English, German, French and Spanish. Benign wording is checked
// first so that "Add to cart" or "Search" never holds, whatever else the label says.
const BENIGN = new RegExp(
  [
    'add(ed)? to (the )?(cart|bag|basket|wish ?list|favou?rites)',
    'in den (warenkorb|einkaufswagen)',
    '(zum|in den) warenkorb hinzuf',
    'ajouter (au|à mon) panier',
    '(añadir|agregar|anadir) al (carrito|carro|cesta)',
    '^(search|suche|suchen|rechercher|recherche|buscar|filter|filtern|filtrer|filtrar|sort|sortieren|trier|ordenar)\\b',
    '^(next|previous|prev|weiter|zurück|suivant|précédent|siguiente|anterior|more|mehr|load more|show more|cancel|abbrechen|annuler|cancelar|close|schließen|fermer|cerrar|back|ok|got it|dismiss)$',
    '(remove|delete) from (the )?(cart|bag|basket|wish ?list)',
    '^(remove|clear|reset) (all )?(filters?|tags?|selection|search)\\b',
    // Previews and drafts commit nothing.
    '^(show |see )?(preview|show changes|vorschau|aperçu|vista previa|vorschau anzeigen)\\b',
    '^save (as )?(a )?draft\\b',
    // Consent banners.
    '^(accept|reject|decline|allow|deny|refuse) (all|all cookies|cookies|necessary|essential|optional)\\b',
    '^(i )?(accept|agree)$',
    '^(alle )?(akzeptieren|ablehnen)$',
    '^(tout )?(accepter|refuser)( tout)?$',
    '^(aceptar|rechazar)( todo| todas)?$',
    '^(show|hide) password$',
  ].join('|'),
  'i',
);

const PURCHASE = new RegExp(
  [
    '\\b(place|submit|complete|confirm|review and place) (my |your |the )?(order|purchase|payment)',
    '\\border( and pay| now)\\b',
    '\\bbuy\\b',
    '\\bpurchase\\b',
    '\\bpay\\b',
    '\\bpay ?out\\b',
    '\\b(transfer|send money|wire|withdraw)\\b',
    '^book\\b',
    '\\bbook (now|(this|my|a|your) (flight|room|table|stay|ticket|trip))\\b',
    '^reserve\\b',
    '\\bdonate\\b',
    '\\bsubscribe\\b',
    '\\bstart (my |your )?(free )?(subscription|membership|trial)',
    '\\bupgrade (now|to|plan)',
    '\\bpre-?order\\b',
    '\\brent now\\b',
    // German
    '\\b(jetzt )?kaufen\\b',
    '\\bkostenpflichtig\\b',
    '\\bzahlungspflichtig\\b',
    '\\bbestell(en|ung abschicken|ung absenden)\\b',
    '\\b(jetzt )?(be)?zahlen\\b',
    '\\bzur kasse\\b',
    '\\b(jetzt )?buchen\\b',
    '\\bspenden\\b',
    '(überweisen|überweisung|\\bauszahlen|\\babheben)\\b',
    '\\babonnieren\\b',
    // French
    '\\bacheter\\b',
    '\\bcommander\\b',
    '\\b(valider|passer|confirmer) (la |ma |votre )?(commande|achat|paiement)',
    '\\bpayer\\b',
    '\\bréserver\\b',
    '\\bfaire un don\\b',
    '\\b(virement|virer|retirer)\\b',
    "\\bs'abonner\\b",
    '\\bje m.abonne\\b',
    // Spanish
    '\\bcomprar\\b',
    '\\b(realizar|hacer|tramitar|confirmar|finalizar) (el |mi )?(pedido|compra|pago)',
    '\\bpagar\\b',
    '\\breservar\\b',
    '\\bdonar\\b',
    '\\b(transferir|transferencia|retirar)\\b',
    '\\bsuscrib(ir|irse|irme|ete|ete)\\b',
    '\\bsuscríbete\\b',
  ].join('|'),
  'iu',
);

// Destructive: cannot be taken back. "Cancel" alone stays benign (it closes dialogs).
const DELETE = new RegExp(
  [
    '\\b(delete|remove|erase|destroy|wipe|purge)\\b',
    '^drop$',
    '\\bdrop (the )?(table|database|schema|column|index|view)s?\\b',
    '\\btruncate\\b',
    '\\b(close|deactivate|terminate) (my |your |the )?account\\b',
    '\\bcancel (my |your |the |this )?(subscription|order|membership|plan|account|booking|reservation)\\b',
    '\\bunsubscribe\\b',
    // German
    '\\b(löschen|entfernen)\\b',
    '\\b(kündigen|konto schließen)\\b',
    // French
    '\\b(supprimer|effacer)\\b',
    '\\b(résilier|fermer (mon |le )?compte)\\b',
    // Spanish
    '\\b(eliminar|borrar)\\b',
    '\\b(cancelar (mi |la )?(suscripción|pedido|cuenta)|cerrar (mi )?cuenta)\\b',
  ].join('|'),
  'iu',
);

const SEND = new RegExp(
  [
    '\\bsend\\b',
    '^post\\b',
    '\\brepl(y|y all)\\b',
    '\\bpublish\\b',
    '^(add (a )?)?comment\\b',
    '^share\\b',
    '^forward\\b',
    '\\btweet\\b',
    '\\brespond\\b',
    // German
    '\\b(ab)?senden\\b',
    '\\babschicken\\b',
    '\\bverschicken\\b',
    '\\bantworten\\b',
    '\\bveröffentlichen\\b',
    '\\bkommentieren\\b',
    '\\bteilen\\b',
    '\\bweiterleiten\\b',
    '\\bposten\\b',
    // French
    '\\benvoyer\\b',
    '\\bpublier\\b',
    '\\brépondre\\b',
    '\\bcommenter\\b',
    '\\bpartager\\b',
    '\\btransférer\\b',
    // Spanish
    '\\benviar\\b',
    '\\bpublicar\\b',
    '\\bresponder\\b',
    '\\bcomentar\\b',
    '\\bcompartir\\b',
    '\\breenviar\\b',
  ].join('|'),
  'iu',
);

/** Classifies a control's visible wording; null when the wording says nothing consequential. */
export function classifyWording(text: string): ActionKind | 'benign' | null {
  const words = normalizeLabel(text).toLowerCase();
  if (!words) return null;
  if (BENIGN.test(words)) return 'benign';
  if (DELETE.test(words)) return 'delete';
  if (PURCHASE.test(words)) return 'purchase';
  if (SEND.test(words)) return 'send';
  return null;
}

const LABEL_LIMIT = 200;
/** Browsers keep titles up to 4096 characters; a reviewer needs far fewer. */
export const TITLE_LIMIT = 1000;

/** Caps page text for display; the ellipsis makes the cut visible. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Collapses whitespace and caps length: labels are compared and displayed, never trusted. */
export function normalizeLabel(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, LABEL_LIMIT);
}
