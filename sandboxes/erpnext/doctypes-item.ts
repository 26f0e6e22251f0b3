import { checks, emptyTables, ints, numbers, texts } from './column-lists';
import { f, type DocTypeMeta } from './meta';

/**
 * ERPNext's Item (stock/doctype/item/item.json, v15) with the columns a service item reads back
 * with (232, 236), the child tables it fills (Item Default, UOM Conversion Detail) and the masters
 * those name (Warehouse, Cost Center, named "<name> - <company abbr>" like Account).
 */
export const childDoctype = (name: string, module: string, fields: DocTypeMeta['fields'] = []): DocTypeMeta => ({ name, module, istable: true, autoname: 'hash', fields });

export const itemDoctypes: readonly DocTypeMeta[] = [
  { name: 'Warehouse', module: 'Stock', autoname: 'controller', fields: [f.data('warehouse_name', 'Warehouse Name', { reqd: true }), f.link('company', 'Company', 'Company', { reqd: true }), f.check('is_group', 'Is Group Warehouse')] },
  { name: 'Cost Center', module: 'Accounts', autoname: 'controller', fields: [f.data('cost_center_name', 'Cost Center Name', { reqd: true }), f.link('company', 'Company', 'Company', { reqd: true }), f.check('is_group', 'Is Group')] },
  childDoctype('Item Default', 'Stock', [f.link('company', 'Company', 'Company', { reqd: true }), f.link('default_warehouse', 'Default Warehouse', 'Warehouse'), f.link('default_price_list', 'Default Price List', 'Price List'), f.link('income_account', 'Default Income Account', 'Account'), f.link('selling_cost_center', 'Default Selling Cost Center', 'Cost Center')]),
  childDoctype('UOM Conversion Detail', 'Stock', [f.link('uom', 'UOM', 'UOM'), f.float('conversion_factor', 'Conversion Factor')]),
  ...['Item Barcode', 'Item Supplier', 'Item Customer Detail', 'Item Reorder', 'Item Tax', 'Item Variant Attribute'].map((name) => childDoctype(name, 'Stock')),
  {
    name: 'Item',
    module: 'Stock',
    autoname: 'field:item_code',
    fields: [
      f.select('naming_series', 'Series', ['STO-ITEM-.YYYY.-'], { setOnlyOnce: true }),
      f.data('item_code', 'Item Code', { reqd: true, unique: true }),
      // Not mandatory: validate copies item_code into it (233 reaches the duplicate key without one).
      f.data('item_name', 'Item Name'),
      f.link('item_group', 'Item Group', 'Item Group', { reqd: true }),
      // item.json defaults it to Nos: Fee Category's item names no UOM (336, from Education's fee_category.py).
      f.link('stock_uom', 'Default Unit of Measure', 'UOM', { reqd: true, default: 'Nos' }),
      f.check('is_stock_item', 'Maintain Stock', { default: 1 }),
      f.check('include_item_in_manufacturing', 'Include Item In Manufacturing', { default: 1 }),
      f.currency('standard_rate', 'Standard Selling Rate'),
      { fieldname: 'description', fieldtype: 'Text Editor', label: 'Description' },
      f.date('end_of_life', 'End of Life', { default: '2099-12-31' }),
      f.select('default_material_request_type', 'Default Material Request Type', ['Purchase', 'Material Transfer', 'Material Issue', 'Manufacture', 'Customer Provided']),
      f.select('valuation_method', 'Valuation Method', ['', 'FIFO', 'Moving Average', 'LIFO']),
      f.select('variant_based_on', 'Variant Based On', ['Item Attribute', 'Manufacturer']),
      f.link('variant_of', 'Variant Of', 'Item', { readOnly: true, setOnlyOnce: true }),
      f.text('customer_code', 'Customer Code'),
      ...checks(`disabled allow_alternative_item has_variants is_fixed_asset auto_create_assets is_grouped_asset allow_negative_stock has_batch_no
        create_new_batch has_expiry_date retain_sample has_serial_no enable_deferred_expense enable_deferred_revenue is_purchase_item=1
        is_customer_provided_item delivered_by_supplier grant_commission=1 is_sales_item=1 inspection_required_before_purchase
        inspection_required_before_delivery is_sub_contracted_item`),
      ...numbers(`opening_stock valuation_rate over_delivery_receipt_allowance over_billing_allowance weight_per_unit min_order_qty safety_stock
        last_purchase_rate max_discount total_projected_qty`),
      ...ints('shelf_life_in_days sample_quantity no_of_months_exp no_of_months lead_time_days'),
      ...texts('brand warranty_period weight_uom batch_number_series serial_no_series asset_category purchase_uom sales_uom country_of_origin'),
      f.table('uoms', 'UOMs', 'UOM Conversion Detail'),
      f.table('item_defaults', 'Item Defaults', 'Item Default'),
      ...emptyTables([['barcodes', 'Item Barcode'], ['reorder_levels', 'Item Reorder'], ['attributes', 'Item Variant Attribute'], ['supplier_items', 'Item Supplier'], ['customer_items', 'Item Customer Detail'], ['taxes', 'Item Tax']]),
    ],
  },
];
