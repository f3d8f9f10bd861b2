/** The emulator's account limits are refused as limits, with advice that fits: not as a bad field. */
import { STORE_PATH, type TwilioErrorBody, uniqueName, useEmulator } from './support';

const { emulator, api } = useEmulator();

describe('the 15-store account limit', () => {
  it('refuses a 16th store as a limit, naming no field and saying what to free', async () => {
    for (let i = 0; i < 15; i++)
      expect((await api.post(STORE_PATH, { displayName: uniqueName() })).status).toBe(202);
    const refused = await api.post<TwilioErrorBody>(STORE_PATH, { displayName: uniqueName() });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      'Limit reached: an account has at most 15 memory stores and this one has 15; the request itself ' +
        'is valid. Delete a store no longer in use (DELETE /v1/ControlPlane/Stores/{storeId}) or reuse ' +
        'an existing one, then try again',
    );
    expect(refused.body.message).not.toMatch(/displayName|Invalid request/);
    expect(emulator.summary().stores).toBe(15);
  });
});
