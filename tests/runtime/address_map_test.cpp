// AddressMap: the runtime's address-keyed hash map (runtime/common/address_map.h),
// checked against a std::map model through a long random sequence of inserts and
// erases, so backward-shift deletion and growth are exercised on colliding runs.
#include "common/address_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace interlock {
namespace {

TEST(AddressMap, InsertFindErase) {
  AddressMap<uint32_t> map;
  EXPECT_EQ(map.find(0x1000), nullptr);
  EXPECT_TRUE(map.insert(0x1000, 7));
  EXPECT_FALSE(map.insert(0x1000, 8));  // present: the first value stays
  ASSERT_NE(map.find(0x1000), nullptr);
  EXPECT_EQ(*map.find(0x1000), 7u);
  EXPECT_TRUE(map.erase(0x1000));
  EXPECT_FALSE(map.erase(0x1000));
  EXPECT_EQ(map.find(0x1000), nullptr);
  EXPECT_EQ(map.size(), 0u);
}

TEST(AddressMap, MatchesAModelUnderRandomChurn) {
  AddressMap<uint32_t> map;
  std::map<uintptr_t, uint32_t> model;
  std::mt19937_64 random(12345);
  // Few distinct keys, aligned like objects: long probe runs, many erases.
  auto key = [&] { return uintptr_t(0x10000 + 64 * (random() % 3000)); };
  for (int step = 0; step < 200000; ++step) {
    uintptr_t k = key();
    if (random() % 3 == 0) {
      EXPECT_EQ(map.erase(k), model.erase(k) == 1) << "step " << step;
    } else {
      uint32_t v = uint32_t(step);
      EXPECT_EQ(map.insert(k, v), model.emplace(k, v).second) << "step " << step;
    }
    if (step % 1000 == 0) {
      ASSERT_EQ(map.size(), model.size());
      for (int probe = 0; probe < 3000; ++probe) {
        uintptr_t p = uintptr_t(0x10000 + 64 * probe);
        auto it = model.find(p);
        uint32_t *found = map.find(p);
        ASSERT_EQ(found != nullptr, it != model.end()) << "key " << p << " at step " << step;
        if (found) ASSERT_EQ(*found, it->second);
      }
    }
  }
}

TEST(AddressMap, ManyFreshKeysStayFindable) {
  AddressMap<uint32_t> map;
  for (uintptr_t i = 1; i <= 100000; ++i) ASSERT_TRUE(map.insert(i * 4096, uint32_t(i)));
  EXPECT_EQ(map.size(), 100000u);
  for (uintptr_t i = 1; i <= 100000; i += 7) ASSERT_EQ(*map.find(i * 4096), uint32_t(i));
  for (uintptr_t i = 1; i <= 100000; i += 2) ASSERT_TRUE(map.erase(i * 4096));
  for (uintptr_t i = 1; i <= 100000; ++i) ASSERT_EQ(map.find(i * 4096) != nullptr, i % 2 == 0);
}

}  // namespace
}  // namespace interlock
