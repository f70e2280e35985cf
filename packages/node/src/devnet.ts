/**
 * The development network's published values, as LocalSecret has them (spec/secretjs-surface.md
 * §4): chain id `secretdev-1`, the REST API on 127.0.0.1:1317, and the dev accounts a, b, c, d whose
 * mnemonics are public (never use them on a real network). Each gets 10^18 uscrt at genesis, so
 * scripts written for LocalSecret run against cloak unchanged.
 */
export const DEV_CHAIN_ID = 'secretdev-1';
export const DEV_API = '127.0.0.1:1317';
export const DEV_COINS = [{ denom: 'uscrt', amount: '1000000000000000000' }];

export const DEV_ACCOUNTS: readonly { name: string; mnemonic: string; address: string }[] = [
  { name: 'a', address: 'secret1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03', mnemonic: 'grant rice replace explain federal release fix clever romance raise often wild taxi quarter soccer fiber love must tape steak together observe swap guitar' },
  { name: 'b', address: 'secret1fc3fzy78ttp0lwuujw7e52rhspxn8uj52zfyne', mnemonic: 'jelly shadow frog dirt dragon use armed praise universe win jungle close inmate rain oil canvas beauty pioneer chef soccer icon dizzy thunder meadow' },
  { name: 'c', address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', mnemonic: 'chair love bleak wonder skirt permit say assist aunt credit roast size obtain minute throw sand usual age smart exact enough room shadow charge' },
  { name: 'd', address: 'secret1ldjxljw7v4vk6zhyduywh04hpj0jdwxsmrlatf', mnemonic: 'word twist toast cloth movie predict advance crumble escape whale sail such angry muffin balcony keen move employ cook valve hurt glimpse breeze brick' },
];
