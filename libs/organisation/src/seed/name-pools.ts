/** Syllables and words the demo generator composes place, unit and person names from. */

export const PLACE_FIRST = [
  '石', '航', '华', '莲', '云', '双', '高', '黄', '万', '樟', '廿', '七', '九', '大', '上', '横', '峡', '太', '全',
  '杜', '沟', '灰', '坪', '溪', '湖', '塔', '芳', '柳', '青', '新', '詹', '罗', '沐', '社', '庙', '礼', '贺', '长',
  '凤', '清', '四', '碗', '保', '虹', '桐', '苏', '池', '音', '齐', '何', '林', '马', '杨', '金', '白', '东', '西',
  '南', '北', '古', '安', '仁', '和', '兴', '福', '瑞', '荷', '梅', '竹', '松', '桂', '枫', '柏', '岩', '峰',
] as const;

export const PLACE_SECOND = [
  '梁', '埠', '墅', '溪', '泽', '里', '花', '旺', '南', '家', '洲', '桥', '方', '坛', '路', '田', '潭', '塘', '岭',
  '洋', '口', '尘', '阳', '下', '川', '贤', '台', '林', '都', '窑', '安', '村', '庄', '淮', '坑', '山', '源', '坞',
  '畈', '垄', '岙', '湾', '头', '坂', '渡', '店', '畲', '园', '亭', '岗', '坪', '滩', '关', '宅', '堰', '圩', '铺',
] as const;

export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高',
  '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘', '袁', '蔡',
  '蒋', '余', '叶', '程', '汪', '毛', '祝', '姜', '方', '邵', '童', '江', '柴', '鲁', '范', '傅', '郑', '严', '华',
] as const;

export const GIVEN_NAME_CHARS = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞',
  '平', '刚', '桂', '英', '华', '建', '国', '文', '辉', '力', '婷', '雪', '琳', '晨', '宇', '浩', '欣', '怡', '佳',
  '晓', '红', '梅', '玲', '峰', '斌', '波', '宁', '鹏', '飞', '凯', '俊', '倩', '颖', '慧', '海', '亮', '志', '春',
] as const;

/**
 * Departments of a city or county government (局/委/办). The first entries are always created because the
 * demo identities live there: finance (settlement officers), the discipline commission (inspectors), the
 * government offices administration and the big-data bureau (administrators).
 */
export const CORE_DEPARTMENTS = ['财政局', '纪律检查委员会', '机关事务管理局', '大数据发展管理局'] as const;

export const OTHER_DEPARTMENTS = [
  '发展和改革委员会', '教育局', '科学技术局', '经济和信息化局', '公安局', '民政局', '司法局',
  '人力资源和社会保障局', '自然资源和规划局', '生态环境局', '住房和城乡建设局', '交通运输局', '水利局',
  '农业农村局', '商务局', '文化广电旅游体育局', '卫生健康委员会', '退役军人事务局', '应急管理局', '审计局',
  '市场监督管理局', '统计局', '医疗保障局', '信访局', '人民政府办公室', '林业局', '综合行政执法局',
  '机构编制委员会办公室',
] as const;

/** Zhejiang cities besides Quzhou, used for invented counties when scale > 1 (seat coordinates approximate). */
export const OTHER_ZHEJIANG_CITIES = [
  { code: '330100', name: '杭州市', latitude: 30.27, longitude: 120.15 },
  { code: '330200', name: '宁波市', latitude: 29.87, longitude: 121.55 },
  { code: '330300', name: '温州市', latitude: 28.0, longitude: 120.7 },
  { code: '330400', name: '嘉兴市', latitude: 30.75, longitude: 120.76 },
  { code: '330500', name: '湖州市', latitude: 30.89, longitude: 120.09 },
  { code: '330600', name: '绍兴市', latitude: 30.0, longitude: 120.58 },
  { code: '330700', name: '金华市', latitude: 29.08, longitude: 119.65 },
  { code: '330900', name: '舟山市', latitude: 30.0, longitude: 122.2 },
  { code: '331000', name: '台州市', latitude: 28.66, longitude: 121.42 },
  { code: '331100', name: '丽水市', latitude: 28.45, longitude: 119.92 },
] as const;

export const QUZHOU = { code: '330800', name: '衢州市', latitude: 28.97, longitude: 118.87 } as const;

/** The six county-level divisions of Quzhou, with real codes and approximate seat coordinates. */
export const QUZHOU_COUNTIES = [
  { code: '330802', name: '柯城区', latitude: 28.97, longitude: 118.87 },
  { code: '330803', name: '衢江区', latitude: 28.98, longitude: 118.96 },
  { code: '330822', name: '常山县', latitude: 28.9, longitude: 118.51 },
  { code: '330824', name: '开化县', latitude: 29.14, longitude: 118.41 },
  { code: '330825', name: '龙游县', latitude: 29.03, longitude: 119.17 },
  { code: '330881', name: '江山市', latitude: 28.74, longitude: 118.63 },
] as const;
