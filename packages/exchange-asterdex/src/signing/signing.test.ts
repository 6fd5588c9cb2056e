import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSignature } from './hmac.ts';
import { addressOf, bytesToHex, domainSeparator, messageDigest, parsePrivateKey, recoverSigner, signMessage } from './eip712.ts';
import { MicrosecondNonce, nonceFor } from './nonce.ts';

// Vectors from the catalogue (§2.1, §2.2); the EIP-712 ones were computed there with ethers.
describe('V1 HMAC-SHA256', () => {
  const futuresSecret = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';

  test('futures doc vector 1', () => {
    const text = 'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943';
    assert.equal(hmacSignature(futuresSecret, text), '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9');
  });

  test('parameter order matters (the doc bullet-list order signs differently)', () => {
    const text = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943';
    assert.equal(hmacSignature(futuresSecret, text), 'ec11dcc17e67e47f0d3c3f513dfe9062307e37619c5c82ebaa8fe0bdf3d59519');
  });

  test('query and body are concatenated without a separator', () => {
    const sig = hmacSignature(futuresSecret, 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC', 'quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943');
    assert.equal(sig, '30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4');
  });

  test('parameter-less signed GET', () => {
    assert.equal(hmacSignature(futuresSecret, 'recvWindow=5000&timestamp=1591702613943'), '5581570ecf76b9b74c6f1a66ef6520c2959a75c32641affb2634d655d6e64db8');
  });

  test('spot doc vector 2', () => {
    const secret = 'fdde510a2b71fa43a43bff3e3cf7819c8c66df34633d338050f4f59664b3b313';
    const text = 'symbol=BNBUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=5&price=1.1&recvWindow=5000&timestamp=1756187806000';
    assert.equal(hmacSignature(secret, text), 'e09169bf6c02ec4b29fa1bdc3a967f92c8c6cfcde0551ba1d477b2d3cf4c51b0');
  });
});

describe('V3 EIP-712', () => {
  const user = '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e';
  const signer = '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
  const key = parsePrivateKey('0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1');
  const order = 'symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508867';
  const msg1 = `${order}&signer=${signer}`;
  const msg2 = `${order}&user=${user}&signer=${signer}`;
  const msg3 = `nonce=1748310859508867&user=${user}&signer=${signer}`;
  const vectors: [number, string, string, string][] = [
    [1666, msg1, 'ed6fe2804fb7a74d857c73d838ce3722b0f44d2c023c24bca0acb2bdf0d56267', '0xd82a6784f5eff00b95ecb88145cf7a5fa6803ea6f67e0217262073da628750a742bb3ba555af418320e55029afe358957808d4f810d73ea663d9c91852cd6d941c'],
    [1666, msg2, '214122039b686e20a15baab91d368d354cf8c88067cb8b0e96e9018d8b08a625', '0x0a56c5923ebf3524475c5f631940ec4c0e41dbd300ad28198d1915d8f3ca49ce26fd1aeb8b0c3079133595da0de38322ae7e860e0c76d032c4a491d27c1430b01c'],
    [1666, msg3, 'f614a915ce064febf6fd86a96eac30fad2d7519e0a486b4552fa949cb635d2a8', '0x79f8910c6a2d14796480f5bc09492b9cf00e247bc53b2cc9b47e3b59dfe698b92e9e9a6853c210ae67ffa351b09d84a14a0585122f2fba2c90b2998e3e96e3b81b'],
    [714, msg1, '9dcd200534ea4cd58f431d0445a26170e5d4c436e4f0e30317cbe98916285c58', '0x798abbc1eb6244bdf530e3890383494679aecf574a0d65cd79ed48b151df2e182cafc9a2b055701c9c0dbc091898f6c3eae29307ca554f3ab97c8b860de35bef1c'],
    [714, msg2, 'd0a3cddc3992449300d5b6fa97e441d66d0f950a032b0707455996c29d8477c5', '0xf91e000376f360c1661cf0fbc79a816e915dce485c616bd49c5e35c6cbc5ba5042ccf75a2bffd282676dbf698087a73982bfd1491a993eeedc276f6827c94a8c1c'],
    [714, msg3, 'bccae7ec13ba96b494c4868929eb03506a2a9fe2139d691cfcd2094e35442dff', '0xd085b7104b474be9b87fc06bf155eff586165f3c6f48475546a615cc84087bba5e5ec4a34174ce7313067b75f516fd7a607514d6396ef96b01ae977f7c80d6b41b'],
  ];

  test('the doc private key belongs to the doc signer address', () => {
    assert.equal(addressOf(key), signer);
  });

  test('domain separator for chain 1666', () => {
    assert.equal(bytesToHex(domainSeparator(1666)), 'a95d0a7a6f3f17fcebb0c2336645385ce79cde7523f71ab147fdb7f15e9f37f9');
  });

  for (const [chainId, msg, digest, signature] of vectors) {
    test(`digest and signature, chain ${chainId}: ${msg.slice(0, 40)}…`, () => {
      assert.equal(bytesToHex(messageDigest(msg, chainId)), digest);
      assert.equal(signMessage(msg, key, chainId), signature);
      assert.equal(recoverSigner(msg, signature, chainId), signer);
      // without the 0x prefix too (some wallets omit it)
      assert.equal(recoverSigner(msg, signature.slice(2), chainId), signer);
    });
  }

  test('a changed message or chain recovers a different address', () => {
    const signature = vectors[0]![3];
    assert.notEqual(recoverSigner(`${msg1}x`, signature, 1666), signer);
    assert.notEqual(recoverSigner(msg1, signature, 714), signer);
    assert.equal(recoverSigner(msg1, '0x1234', 1666), undefined);
  });

  test('a malformed private key is a configuration error', () => {
    assert.throws(() => parsePrivateKey('0x1234'), { code: 'INVALID_CONFIG' });
  });
});

describe('microsecond nonces', () => {
  test('unique and increasing within one millisecond and when the clock steps back', () => {
    const nonce = new MicrosecondNonce();
    const a = nonce.next(1_748_310_859_508);
    const b = nonce.next(1_748_310_859_508);
    assert.equal(a, 1_748_310_859_508_000);
    assert.equal(b, a + 1);
    assert.equal(nonce.next(1_748_310_859_503), b + 1);
    assert.equal(nonce.next(1_748_310_859_603), 1_748_310_859_603_000);
  });

  test('one generator per V3 user in the process; the random sub-millisecond start stays inside the millisecond', () => {
    const a = nonceFor('0xAbC');
    const b = nonceFor('0xabc');
    assert.equal(a, b, 'two clients of one user share the generator');
    assert.equal(a.next(5, 499), 5_499);
    assert.equal(b.next(5, 0), 5_500);
    assert.equal(b.next(5, 5_000), 5_999, 'clamped below the next millisecond');
    assert.equal(b.next(6, 0), 6_000);
  });
});
