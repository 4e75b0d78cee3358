/**
 * `node --import ./dist/nodeWebCrypto.js dist/host.js node-webcrypto`: registers
 * nodeWebCryptoHooks.
 */
import { register } from 'node:module'

register('./nodeWebCryptoHooks.js', import.meta.url)
