import { describe, expect, it } from 'vitest';
import { classifyWording } from '@/lib/actions/wording';

// Button wording seen on real shops, mail clients, chats and settings pages.
const samples: [string, ReturnType<typeof classifyWording>][] = [
  // purchase, English
  ['Place order', 'purchase'],
  ['Place your order', 'purchase'],
  ['Place Order • $129.99', 'purchase'],
  ['Buy now', 'purchase'],
  ['Buy it now', 'purchase'],
  ['Buy with 1-Click', 'purchase'],
  ['Pay $42.00', 'purchase'],
  ['Pay now', 'purchase'],
  ['Confirm and pay', 'purchase'],
  ['Complete purchase', 'purchase'],
  ['Complete order', 'purchase'],
  ['Submit order', 'purchase'],
  ['Checkout', 'purchase'],
  ['Proceed to checkout', 'purchase'],
  ['Check out', 'purchase'],
  ['Book now', 'purchase'],
  ['Book this flight', 'purchase'],
  ['Reserve', 'purchase'],
  ['Donate $25', 'purchase'],
  ['Subscribe', 'purchase'],
  ['Start my subscription', 'purchase'],
  ['Start your free trial', 'purchase'],
  ['Upgrade now', 'purchase'],
  ['Pre-order', 'purchase'],
  ['Order now', 'purchase'],
  ['Purchase', 'purchase'],
  // purchase, German
  ['Jetzt kaufen', 'purchase'],
  ['Zahlungspflichtig bestellen', 'purchase'],
  ['Kostenpflichtig bestellen', 'purchase'],
  ['Bestellen', 'purchase'],
  ['Jetzt bezahlen', 'purchase'],
  ['Zur Kasse', 'purchase'],
  ['Jetzt buchen', 'purchase'],
  ['Spenden', 'purchase'],
  ['Abonnieren', 'purchase'],
  // purchase, French
  ['Acheter maintenant', 'purchase'],
  ['Commander', 'purchase'],
  ['Valider ma commande', 'purchase'],
  ['Passer la commande', 'purchase'],
  ['Payer 19,99 €', 'purchase'],
  ['Réserver', 'purchase'],
  ['Faire un don', 'purchase'],
  ["S'abonner", 'purchase'],
  // purchase, Spanish
  ['Comprar ahora', 'purchase'],
  ['Realizar pedido', 'purchase'],
  ['Finalizar compra', 'purchase'],
  ['Pagar', 'purchase'],
  ['Reservar', 'purchase'],
  ['Donar', 'purchase'],
  ['Suscribirse', 'purchase'],
  // send
  ['Send', 'send'],
  ['Send message', 'send'],
  ['Send invite', 'send'],
  ['Post', 'send'],
  ['Post comment', 'send'],
  ['Reply', 'send'],
  ['Reply all', 'send'],
  ['Publish', 'send'],
  ['Publish post', 'send'],
  ['Comment', 'send'],
  ['Add a comment', 'send'],
  ['Share', 'send'],
  ['Forward', 'send'],
  ['Tweet', 'send'],
  ['Senden', 'send'],
  ['Absenden', 'send'],
  ['Antworten', 'send'],
  ['Veröffentlichen', 'send'],
  ['Weiterleiten', 'send'],
  ['Envoyer', 'send'],
  ['Publier', 'send'],
  ['Répondre à tous', 'send'],
  ['Partager', 'send'],
  ['Enviar', 'send'],
  ['Publicar', 'send'],
  ['Responder', 'send'],
  ['Comentar', 'send'],
  ['Reenviar', 'send'],
  // benign: pass untouched
  ['Add to cart', 'benign'],
  ['Add to Bag', 'benign'],
  ['Add to wishlist', 'benign'],
  ['In den Warenkorb', 'benign'],
  ['Ajouter au panier', 'benign'],
  ['Añadir al carrito', 'benign'],
  ['Agregar al carrito', 'benign'],
  ['Search', 'benign'],
  ['Suchen', 'benign'],
  ['Rechercher', 'benign'],
  ['Buscar', 'benign'],
  ['Filter', 'benign'],
  ['Sort by price', 'benign'],
  ['Next', 'benign'],
  ['Previous', 'benign'],
  ['Weiter', 'benign'],
  ['Suivant', 'benign'],
  ['Siguiente', 'benign'],
  ['Cancel', 'benign'],
  // not consequential by wording alone
  ['Details', null],
  ['Reviews', null],
  ['Save draft', null],
  ['Sign in', null],
  ['Address book', null],
  ['Facebook', null],
  ['Paypal balance', null],
  ['Comments (12)', null],
  ['Shipping options', null],
  ['Compose', null],
  ['', null],
];

describe('classifyWording', () => {
  it('has a broad sample set', () => {
    expect(samples.length).toBeGreaterThanOrEqual(100);
  });

  it.each(samples)('%j is %s', (label, kind) => {
    expect(classifyWording(label)).toBe(kind);
  });

  it('collapses whitespace from markup', () => {
    expect(classifyWording('\n   Place\n      order  \n')).toBe('purchase');
  });
});
