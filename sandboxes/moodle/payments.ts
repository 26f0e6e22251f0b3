/**
 * A payment account (`payment_accounts`) with its enabled gateways. The sandbox models the one
 * gateway the captures show, PayPal (292).
 */
export interface PaymentAccount {
  id: number;
  name: string;
  gateways: { shortname: 'paypal'; surcharge: number }[];
}

export const gatewayDetails = {
  paypal: { name: 'PayPal', description: 'PayPal is an authorised payment gateway provider for processing credit card transactions.' },
};

/**
 * helper::get_cost_as_string without the intl extension, as on the captured site: currency code,
 * a no-break space, the amount with two decimals ("EUR 49.99", 292).
 */
export const costAsString = (amount: number, currency: string) => `${currency}\u00a0${amount.toFixed(2)}`;
