import { DateTimeScalar, DecimalScalar } from '../scalars.js';
import { accountResolvers } from './account.js';
import { mutationResolvers } from './mutation.js';
import { orderResolvers } from './order.js';
import { queryResolvers } from './query.js';
import { subscriptionResolvers } from './subscription.js';

export const resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  ...queryResolvers,
  ...accountResolvers,
  ...mutationResolvers,
  ...orderResolvers,
  ...subscriptionResolvers,
};
