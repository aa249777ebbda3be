// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { deliveryAddressIn, fieldsCarryAddress, lineItemsNear } from '@/lib/actions/order';

function page(html: string): Document {
  document.body.innerHTML = html;
  return document;
}

describe('what a purchase buys', () => {
  it('reads the line items of the order summary around the control, leaving out totals', () => {
    const doc = page(`
      <div class="checkout"><section><ul>
        <li><span class="item-name">USB-C cable, 2 m</span> <span>Qty: 2</span> <span>€19.98</span></li>
        <li><span class="item-name">Charger 30 W</span> <span>€24.90</span></li>
      </ul>
      <ul><li>Subtotal €44.88</li><li>Shipping €4.90</li><li>Total €49.78</li></ul></section>
      <button id="buy">Place order</button></div>`);
    expect(lineItemsNear(doc.getElementById('buy')!)).toEqual([
      { name: 'USB-C cable, 2 m', quantity: 2, price: '€19.98' },
      { name: 'Charger 30 W', price: '€24.90' },
    ]);
  });

  it('reads a cart table with quantity fields, and finds nothing where no row shows a price', () => {
    const doc = page(`
      <form><table><tr><th>Product</th><th>Qty</th><th>Price</th></tr>
        <tr><td><a href="/p/1">Green tea, 250 g</a></td><td><input type="number" value="3"></td><td>$21.00</td></tr></table>
      <button id="pay">Pay now</button></form>
      <div><p>Nothing to see</p><button id="other">Donate</button></div>`);
    expect(lineItemsNear(doc.getElementById('pay')!)).toEqual([{ name: 'Green tea, 250 g', quantity: 3, price: '$21.00' }]);
    const bare = page('<div><p>Support us</p><button id="give">Donate</button></div>');
    expect(lineItemsNear(bare.getElementById('give')!)).toEqual([]);
  });
});

describe('where it goes', () => {
  it('reads an <address>, or the block under a delivery heading without its buttons', () => {
    expect(deliveryAddressIn(page('<address>Ada Lovelace, 12 St James Square</address>'))).toBe('Ada Lovelace, 12 St James Square');
    const headed = page('<section><h3>Delivery address</h3><p>R. Okafor</p><p>4 Elm Row, Leeds</p><button>Change</button></section>');
    expect(deliveryAddressIn(headed)).toBe('R. Okafor 4 Elm Row, Leeds');
    const labelled = page('<div aria-label="Ship to">M. Ruiz, Calle Mayor 5, Madrid</div>');
    expect(deliveryAddressIn(labelled)).toBe('M. Ruiz, Calle Mayor 5, Madrid');
    expect(deliveryAddressIn(page('<button aria-label="Ship to this address">Use</button>'))).toBeUndefined();
    expect(deliveryAddressIn(page('<p>Thank you</p>'))).toBeUndefined();
  });

  it('knows a checkout form carries the address in its own fields', () => {
    expect(fieldsCarryAddress([{ name: 'address', label: 'Address', type: 'text', value: '1 Main St' }])).toBe(true);
    expect(fieldsCarryAddress([{ name: 'email', label: 'Email', type: 'email', value: 'a@b.example' }])).toBe(false);
  });
});

describe('the amount of a purchase', () => {
  it('is the order total, not the subtotal listed above it', async () => {
    const { amountOf } = await import('@/lib/actions/dom');
    document.body.innerHTML =
      '<div><ul><li>Subtotal €44.88</li><li>Shipping €4.90</li><li>Order total €49.78</li></ul><button id="buy">Place order</button></div>';
    expect(amountOf('Place order', document.getElementById('buy')!.parentElement)).toMatchObject({ value: 49.78, currency: 'EUR' });
    document.body.innerHTML = '<div><p>Zwischensumme 10,00 €</p><p>Gesamtsumme 12,50 €</p><button id="buy">Kaufen</button></div>';
    expect(amountOf('Kaufen', document.getElementById('buy')!.parentElement)).toMatchObject({ value: 12.5 });
  });
});
