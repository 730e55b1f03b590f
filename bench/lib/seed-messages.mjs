// The seed-shaped messages the consume benchmarks publish or write (bench/consume.mjs,
// bench/consume-write.mjs): two users each, one following one user, one following two, the users
// drawn from `users` names by a deterministic PRNG (mulberry32), so every run sees the same ones.

/** A function giving message `i` of the sequence; call it for i = 0, 1, 2, ... in order. */
export function seedMessages(users) {
  let a = 12345
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const u = () => `user${Math.floor(rand() * users)}`
  return (i) => ({
    message: 'success',
    data: [
      {
        username: u(),
        first_name: `First${i}`,
        last_name: 'Example',
        email: `p${i}@example.com`,
        follow: u(),
      },
      { username: u(), first_name: `Other${i}`, city: 'Springfield', follow: [u(), u()] },
    ],
  })
}
